CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE store_days (
	id INTEGER NOT NULL, 
	target VARCHAR(64) NOT NULL, 
	company VARCHAR(200) NOT NULL, 
	store VARCHAR(64) NOT NULL, 
	business_date DATE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (target, company, store, business_date)
);
CREATE TABLE emissions (
	id INTEGER NOT NULL, 
	store_day_id INTEGER NOT NULL, 
	number INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	folder VARCHAR(64) NOT NULL, 
	files TEXT NOT NULL, 
	output_hash VARCHAR(64) NOT NULL, 
	run_id VARCHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	committed_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (store_day_id, number), 
	FOREIGN KEY(store_day_id) REFERENCES store_days (id)
);
CREATE TABLE emitted_entries (
	id INTEGER NOT NULL, 
	emission_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	role VARCHAR(8) NOT NULL, 
	"key" VARCHAR(64) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	amount BIGINT NOT NULL, 
	document TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (emission_id, role, "key"), 
	FOREIGN KEY(emission_id) REFERENCES emissions (id) ON DELETE CASCADE
);
CREATE INDEX emitted_entries_emission ON emitted_entries (emission_id);
CREATE TABLE posted_requests (
	id INTEGER NOT NULL, 
	target VARCHAR(64) NOT NULL, 
	company VARCHAR(200) NOT NULL, 
	store VARCHAR(64) NOT NULL, 
	business_date DATE NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	remote_id BIGINT NOT NULL, 
	digest VARCHAR(64) NOT NULL, 
	emission INTEGER NOT NULL, 
	how VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (target, company, store, business_date, "key")
);
CREATE TABLE unposted_bodies (
	id INTEGER NOT NULL, 
	target VARCHAR(64) NOT NULL, 
	company VARCHAR(200) NOT NULL, 
	store VARCHAR(64) NOT NULL, 
	business_date DATE NOT NULL, 
	emission INTEGER NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	body BLOB NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (target, company, store, business_date, emission)
);
CREATE INDEX store_days_day ON store_days (company, store, business_date);
INSERT INTO alembic_version (version_num) VALUES ('0004');
