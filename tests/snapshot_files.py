"""A syrupy extension that stores each rendered output as its own file under `snapshots/`.

Layout: `snapshots/<case>/<output file>`, e.g. `snapshots/cash-only/freee-deals.json`. The file
holds exactly the bytes the target renders, so an accountant can open it (a 弥生 cp932 file
also gets a UTF-8 twin, written by the test). The test `test_case[<case>-<target>]` asserts
`snapshot(name="<output file>") == data` for every file it renders.

Unused-snapshot detection keeps working: every file under `snapshots/` is discovered, and a
file no test asserted fails a plain `pytest` (`--snapshot-update` deletes it). For that, the
name syrupy records for an assertion must be the name read back from the file's path; both
are `test_case[<case>-<target>]`, the target being the start of the file name (targets name
their files `<target>-…` or `<target>.…`, and refusals are `<target>.error.json`).
The check runs on a plain `pytest` (and with `-k`); naming a test file on the command line
turns it off, since syrupy relates snapshots to test files by name and this layout has none.
"""

from __future__ import annotations

import re
from pathlib import Path

from syrupy.data import Snapshot, SnapshotCollection
from syrupy.extensions.single_file import SingleFileSnapshotExtension
from syrupy.location import PyTestLocation

SNAPSHOT_ROOT = Path(__file__).resolve().parent.parent / "snapshots"
TEST_NAME = "test_case"
"""The test function in `tests/test_cases.py` whose snapshots this extension stores."""


def target_of(file_name: str) -> str:
    """The target that renders `file_name`: everything before the first `-` or `.`."""
    return re.split(r"[-.]", file_name, maxsplit=1)[0]


def param_id(case: str, target: str) -> str:
    """The parametrised id of the test that renders `case` for `target`."""
    return f"{case}-{target}"


class CaseFileSnapshot(SingleFileSnapshotExtension):
    """One snapshot per output file, at `snapshots/<case>/<file name>`, stored byte for byte."""

    file_extension = ""  # the output file name already carries its extension

    @staticmethod
    def _case(test_location: PyTestLocation) -> str:
        return test_location.item.callspec.params["case"]

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(SNAPSHOT_ROOT / cls._case(test_location))

    @classmethod
    def discovery_dirname(cls, *, test_location: PyTestLocation) -> str:
        # Scan all of `snapshots/`, so the files of a deleted case are found as unused too.
        return str(SNAPSHOT_ROOT)

    @classmethod
    def get_file_basename(cls, *, test_location: PyTestLocation, index: object) -> str:
        if not isinstance(index, str):
            raise TypeError("name each snapshot after its file: snapshot(name='journal.csv')")
        return index

    @classmethod
    def get_snapshot_name(cls, *, test_location: PyTestLocation, index: object = 0) -> str:
        return test_location.snapshot_name_parametrized

    def is_snapshot_location(self, *, location: str) -> bool:
        return Path(location).parent.parent == SNAPSHOT_ROOT

    def owns_snapshot_collection(self, *, filepath: str, test_location: PyTestLocation) -> bool:
        return self.is_snapshot_location(location=filepath)

    @classmethod
    def matches_test_location(cls, *, test_location: PyTestLocation, snapshot_location: str) -> bool:
        path = Path(snapshot_location)
        params = test_location.item.callspec.params
        return path.parent.name == params["case"] and target_of(path.name) == params["target"]

    def read_snapshot_collection(self, *, snapshot_location: str) -> SnapshotCollection:
        path = Path(snapshot_location)
        name = f"{TEST_NAME}[{param_id(path.parent.name, target_of(path.name))}]"
        collection = SnapshotCollection(location=snapshot_location)
        collection.add(Snapshot(name=name))
        return collection

    def delete_snapshots(self, *, snapshot_location: str, snapshot_names: set[str]) -> None:
        path = Path(snapshot_location)
        path.unlink()
        if not any(path.parent.iterdir()):
            path.parent.rmdir()  # the case folder is gone: drop its empty snapshot folder
