"""Who made each submission of a Gradescope export, from its `submission_metadata.yml`.

Gradescope's "Export Submissions" gives one folder `submission_<id>/` per submission and a
YAML file keyed by those folder names (the layout otter-grader also reads). Ruby wrote it, so
its keys are Ruby symbols (`:submitters:` reads as the key ":submitters") and some values carry
Ruby tags (`!ruby/object:BigDecimal` scores): those are read as plain data, never constructed.

    submission_123456:
      :submitters:
      - :name: Ada Lovelace
        :sid: '1815'
        :email: ada@example.edu
      :created_at: 2024-10-01 12:00:00.000000000 -07:00
      :score: 17.5

A group submission lists every member under `:submitters:`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

METADATA = "submission_metadata.yml"


class MetadataError(ValueError):
    """The metadata file cannot be read; the message is one line naming the file and why."""


@dataclass(frozen=True)
class Submitter:
    name: str
    sid: str
    email: str


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads any tagged node (`!ruby/object:...`) as the plain data under it."""


def _untagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _untagged)
_Loader.add_multi_constructor("tag:", _untagged)


def _key(key) -> str:
    """A Ruby symbol key (":name", or "name") as its bare name."""
    return str(key).strip(":")


def _field(entry: dict, name: str) -> str:
    value = entry.get(name)
    return "" if value is None else str(value).strip()


def read_metadata(folder: Path) -> dict[str, list[Submitter]]:
    """{folder name: its submitters} from `folder/submission_metadata.yml`; {} when there is
    no such file. Raises MetadataError (one line) when the file is there but malformed."""
    path = folder / METADATA
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{path}: cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise MetadataError(f"{path}: not valid YAML{line}") from None
    if not isinstance(data, dict):
        raise MetadataError(f"{path}: expected submission folders as keys, got {_kind(data)}")
    people: dict[str, list[Submitter]] = {}
    for folder_name, entry in data.items():
        if not isinstance(entry, dict):
            raise MetadataError(f"{path}: {folder_name}: expected a mapping, got {_kind(entry)}")
        entry = {_key(k): v for k, v in entry.items()}
        submitters = entry.get("submitters")
        if not isinstance(submitters, list) or not submitters:
            raise MetadataError(f"{path}: {folder_name}: no :submitters: list")
        members = []
        for submitter in submitters:
            if not isinstance(submitter, dict):
                raise MetadataError(
                    f"{path}: {folder_name}: a submitter is {_kind(submitter)}, not a mapping"
                )
            submitter = {_key(k): v for k, v in submitter.items()}
            members.append(
                Submitter(
                    _field(submitter, "name"), _field(submitter, "sid"), _field(submitter, "email")
                )
            )
        people[str(folder_name)] = members
    return people


def _kind(value) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


def roster_columns(members: list[Submitter]) -> dict[str, str]:
    """The name, sid and email columns of a submission's row: a group's members joined by "; "."""
    return {
        "name": "; ".join(m.name for m in members),
        "sid": "; ".join(m.sid for m in members),
        "email": "; ".join(m.email for m in members),
    }
