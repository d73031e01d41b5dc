"""The class report (`backprop report`) and the named rows of a Gradescope export.

One class is graded once (tests/corpus/class_report.py: correct, buggy, wrong derivation
answers, crashing, hanging, misnamed, tampering, stubs); the report's numbers, mistakes and
flagged submissions are checked against the JSON files and grades.csv that `backprop grade`
wrote, never against hard-coded figures.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.feedback import NOT_ANSWERED, NOT_ATTEMPTED
from autograder.grading.cases.assignment import build_questions
from autograder.paths import SOLUTIONS
from autograder.report.load import load_results
from autograder.report.summary import summarize
from tests.corpus.class_report import answers, build_class, solutions

runner = CliRunner()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SIGMOID_OF_Z = "sig-sigmoid-derivative-of-Z"


def misconception_answer() -> tuple[str, str, str]:
    """(question id, a misconception's formula, the mistake name it must be reported under)."""
    from autograder.derivations import QUESTIONS

    bank = QUESTIONS.values() if isinstance(QUESTIONS, dict) else QUESTIONS
    q = next(q for q in bank if q.misconceptions)
    wrong = q.misconceptions[0]
    return q.id, wrong.formula, f"misconception: {wrong.feedback}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded by `backprop grade` and reported by `backprop report`."""
    tmp = tmp_path_factory.mktemp("class")
    marker = tmp / "marker"
    marker.mkdir()
    build_class(tmp / "subs", marker)
    qid, formula, _ = misconception_answer()
    answers(tmp / "subs" / "derivations-misconception", {qid: formula})
    out = tmp / "results"
    graded = runner.invoke(app, ["grade", str(tmp / "subs"), "--out", str(out)])
    assert graded.exit_code == 0, graded.output
    made = runner.invoke(app, ["report", str(out)])
    assert made.exit_code == 0, made.output
    return out, graded.output


def rows_of(out: Path) -> dict[str, dict]:
    with (out / "grades.csv").open(newline="") as handle:
        return {r["submission"]: r for r in csv.DictReader(handle)}


def jsons_of(out: Path) -> dict[str, dict]:
    return {name: json.loads((out / f"{name}.json").read_text()) for name in rows_of(out)}


def page(out: Path) -> str:
    return (out / "report.html").read_text()


def section(text: str, title: str) -> str:
    start = text.index(f"<h2>{title}</h2>")
    end = text.find("<h2>", start + 1)
    return text[start : end if end > 0 else len(text)]


def reported_mistakes(text: str) -> dict[tuple[str, str], tuple[int, list[str]]]:
    """{(question, mistake): (count, who)} as the page's mistake tables show them."""
    found = {}
    for body in re.findall(
        r'<tbody class="question">(.*?)</tbody>', text.replace("<wbr>", ""), re.S
    ):
        qid = html.unescape(re.search(r'<td class="qid" rowspan="\d+">([^<]+)<br>', body)[1])
        rows = re.findall(
            r'<td>([^<]*)</td><td class="num count">(\d+)</td><td class="who">([^<]*)</td>', body
        )
        for name, count, who in rows:
            found[(qid, html.unescape(name))] = (int(count), html.unescape(who).split(", "))
        assert rows, f"no mistake rows read for {qid}"
    return found


def flagged(text: str) -> set[str]:
    table = section(text, "Needs a look")
    return {html.unescape(s) for s in re.findall(r"<tr><td><code>([^<]+)</code></td>", table)}


# ------------------------------------------------------------------ the results JSON
def test_every_test_carries_its_mistakes_as_gradescope_extra_data(graded):
    out, _ = graded
    allowed = {"score", "max_score", "name", "output", "visibility", "extra_data", "tags"}
    for name, data in jsons_of(out).items():
        assert set(data) <= {"score", "output", "tests", "extra_data", "visibility"}, name
        for test in data["tests"]:
            assert set(test) <= allowed, (name, test["name"])
            mistakes = test["extra_data"]["mistakes"]
            assert isinstance(mistakes, list) and all(isinstance(m, str) and m for m in mistakes)
            if test["score"] == test["max_score"]:
                assert mistakes == [], (name, test["name"])  # only a lost point names a mistake


def test_mutants_and_wrong_answers_are_named_and_the_correct_are_not(graded):
    out, _ = graded
    data = jsons_of(out)

    def named(submission, qid):
        return next(t for t in data[submission]["tests"] if t["name"] == qid)["extra_data"][
            "mistakes"
        ]

    for submission in ("correct-1", "correct-2"):
        assert not any(t["extra_data"]["mistakes"] for t in data[submission]["tests"])
    assert any("taken of Z" in m for m in named(f"{SIGMOID_OF_Z}-1", "two_layer_sigmoid.backward"))
    assert named("uni-missing-2-over-m-1", "univariate_regression.backward") == [
        "the factor 2/m is missing"
    ]
    assert named("derivations-wrong", "derivations.univariate_dw") == ["missing 2/m"]
    assert named("derivations-wrong", "derivations.multivariate_dw") == ["transposed"]
    assert named("derivations-wrong", "derivations.multivariate_db") == ["syntax error"]
    assert named("modifies-inputs", "two_layer_sigmoid.backward") == ["modifies its inputs"]
    qid, _, mistake = misconception_answer()
    assert named("derivations-misconception", f"derivations.{qid}") == [mistake]


# ------------------------------------------------------------------ the report's numbers
def test_the_report_numbers_equal_the_jsons(graded):
    out, _ = graded
    text, data = page(out), jsons_of(out)
    questions = build_questions()
    assert [q.id for q in questions] == [t["name"] for t in data["correct-1"]["tests"]]
    table = section(text, "Questions")
    for q in questions:  # every question, with its points and mean score
        scores = [next(t["score"] for t in d["tests"] if t["name"] == q.id) for d in data.values()]
        mean = sum(scores) / len(scores)
        shown = f"{float(f'{mean:.2f}'):g} ({100 * mean / q.points:.0f}%)"
        row = f'<td class="qid">{q.id}</td><td class="num">{q.points:g}</td>'
        assert f'{row}<td class="num">{shown}</td>' in table, q.id
    totals = [d["score"] for d in data.values()]
    possible = sum(q.points for q in questions)
    mean_percent = sum(100 * t / possible for t in totals) / len(totals)
    assert f"<b>{mean_percent:.1f}%</b>" in text
    assert f"{len(totals)} submissions, {len(questions)} questions, {possible:g} points" in text
    full = sum(t == possible for t in totals)
    assert f"<b>{full}</b><span>at full marks</span>" in text
    assert (out / "report-scores.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "report-questions.png").read_bytes().startswith(b"\x89PNG")


def test_every_named_mistake_is_in_the_report_with_its_count_and_who(graded):
    out, _ = graded
    expected: Counter[tuple[str, str]] = Counter()
    who: dict[tuple[str, str], list[str]] = {}
    for name, data in jsons_of(out).items():
        for test in data["tests"]:
            for mistake in test["extra_data"]["mistakes"]:
                expected[(test["name"], mistake)] += 1
                who.setdefault((test["name"], mistake), []).append(name)
    assert (
        expected[("two_layer_sigmoid.backward", next(m for q, m in expected if "of Z" in m))] == 3
    )
    shown = reported_mistakes(page(out))
    assert {k: v[0] for k, v in shown.items()} == dict(expected)
    assert {k: sorted(v[1]) for k, v in shown.items()} == {k: sorted(v) for k, v in who.items()}
    top = section(page(out), "Most frequent mistakes")
    assert "two_layer_sigmoid.backward</span>: " in top and "3 submissions" in top


def test_work_not_done_stays_out_of_the_most_frequent_mistakes(graded):
    out, _ = graded
    named = {
        m for d in jsons_of(out).values() for t in d["tests"] for m in t["extra_data"]["mistakes"]
    }
    assert NOT_ANSWERED in named  # the stubs left every derivation unanswered
    summary = summarize(load_results(out))
    assert summary.top_mistakes(100), "the class made mistakes"
    assert all(m.name not in NOT_ATTEMPTED for m in summary.top_mistakes(100))
    assert NOT_ANSWERED not in section(page(out), "Most frequent mistakes")
    # still counted where it belongs: in its question's table
    assert any(m.name == NOT_ANSWERED for q in summary.questions for m in q.mistakes)


def test_the_flagged_list_is_exactly_the_non_ok_statuses_and_zero_scores(graded):
    out, _ = graded
    rows = rows_of(out)
    expected = {n for n, r in rows.items() if r["status"] != "ok" or float(r["total"]) == 0}
    assert flagged(page(out)) == expected
    statuses = " | ".join(rows[n]["status"] for n in expected)
    for kind in ("timeout", "crashed", "forbidden operation", "import error", "missing files"):
        assert kind in statuses  # the corpus holds every kind the report must flag
    assert not {"correct-1", "correct-2", f"{SIGMOID_OF_Z}-1"} & flagged(page(out))


def test_no_answer_in_the_report_or_the_mistake_names(graded):
    """Neither the reference answers nor a misconception's formula reach the page or the JSON's
    extra_data (the student's own typed text stays in the output, as before)."""
    out, _ = graded
    from autograder.derivations import QUESTIONS

    bank = QUESTIONS.values() if isinstance(QUESTIONS, dict) else QUESTIONS
    formulas = {w.formula for q in bank for w in q.misconceptions}
    reference = re.findall(r'^\w+ = "(.+)"  # SOLUTION', DERIVATIONS_TEXT(), re.M)
    assert formulas and reference
    names = json.dumps([t["extra_data"] for d in jsons_of(out).values() for t in d["tests"]])
    text = html.unescape(page(out))
    for secret in formulas | set(reference):
        if len(secret) < 8:
            continue  # "1", "x": found in any page
        assert secret not in text and json.dumps(secret)[1:-1] not in names, secret


def DERIVATIONS_TEXT() -> str:  # noqa: N802 - read where used, after the corpus is built
    return (SOLUTIONS / "derivations.py").read_text()


def test_the_page_is_self_contained(graded):
    out, _ = graded
    text = page(out)
    assert "<script" not in text and "@import" not in text and "url(" not in text
    assert re.findall(r'(?:src|href)="(?!data:)', text) == []
    assert "http://" not in text.replace("http://www.w3.org", "")  # SVG namespaces only


# ------------------------------------------------------------------ the CLI
def test_grade_ends_with_a_three_line_summary_and_the_report_command(graded):
    out, output = graded
    lines = output.strip().splitlines()
    assert lines[-4].startswith("class: mean ") and "at full marks" in lines[-4]
    assert lines[-3].startswith("most frequent mistake: two_layer_sigmoid.backward: ")
    assert (
        lines[-2] == f"needs a look: {len(flagged(page(out)))} of {len(rows_of(out))} submissions"
    )
    assert lines[-1] == f"class report: backprop report {out}"


def test_report_refuses_bad_folders_in_one_line(tmp_path):
    for target in (tmp_path / "nope", tmp_path):
        done = runner.invoke(app, ["report", str(target)])
        assert done.exit_code == 2 and done.output.count("\n") == 1, done.output
        assert done.output.startswith("error: ")
    (tmp_path / "grades.csv").write_text("a,b\n1,2\n")
    done = runner.invoke(app, ["report", str(tmp_path)])
    assert done.exit_code == 2 and "not a grades.csv" in done.output


def test_report_never_overwrites_a_file_it_did_not_write(graded, tmp_path):
    out, _ = graded
    copy = tmp_path / "results"
    shutil.copytree(out, copy)
    assert runner.invoke(app, ["report", str(copy)]).exit_code == 0  # its own: replaced
    (copy / "report.html").write_text("my notes")
    done = runner.invoke(app, ["report", str(copy)])
    assert done.exit_code == 2 and "not a backprop report" in done.output
    assert (copy / "report.html").read_text() == "my notes"


# ------------------------------------------------------------------ Gradescope exports
METADATA = """\
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
    :email: ada@example.edu
  :created_at: 2024-10-01 12:00:00.000000000 -07:00
  :score: !ruby/object:BigDecimal 18:0.96e2
submission_1002:
  :submitters:
  - :name: Bob Byte
    :sid: 2001
    :email: bob@example.edu
  - :name: Chen <Cell>
    :sid: '2002'
    :email: chen@example.edu
  :created_at: 2024-10-01 12:05:00.000000000 -07:00
"""


def export(root: Path, metadata: str | None) -> Path:
    subs = root / "export"
    solutions(subs / "submission_1001")
    solutions(subs / "submission_1002", SIGMOID_OF_Z)
    solutions(subs / "submission_1003")  # not in the metadata: no names
    if metadata is not None:
        (subs / "submission_metadata.yml").write_text(metadata)
    return subs


def test_a_gradescope_export_gives_rows_named_after_the_submitters(tmp_path):
    subs, out = export(tmp_path, METADATA), tmp_path / "results"
    done = runner.invoke(app, ["grade", str(subs), "--out", str(out)])
    assert done.exit_code == 0 and "warning" not in done.output, done.output
    rows = rows_of(out)
    header = next(csv.reader((out / "grades.csv").open()))
    assert header[:4] == ["submission", "name", "sid", "email"]
    assert (rows["submission_1001"]["name"], rows["submission_1001"]["sid"]) == (
        "Ada Lovelace",
        "1815",
    )
    group = rows["submission_1002"]
    assert group["name"] == "Bob Byte; Chen <Cell>" and group["sid"] == "2001; 2002"
    assert group["email"] == "bob@example.edu; chen@example.edu"
    assert rows["submission_1003"]["name"] == ""
    assert float(group["total"]) < float(rows["submission_1001"]["total"])
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    shown = reported_mistakes(page(out))
    (key,) = [k for k in shown if k[0] == "two_layer_sigmoid.backward" and "of Z" in k[1]]
    assert shown[key] == (1, ["Bob Byte; Chen <Cell>"])
    assert "Chen &lt;Cell&gt;" in page(out)  # a name is text, never markup


@pytest.mark.parametrize(
    "metadata",
    [
        "submission_1001: [unclosed\n",
        "- just a list\n",
        "submission_1001:\n  :submitters: nobody\n",
        "submission_1001:\n  :submitters:\n  - Ada\n",
    ],
    ids=["not-yaml", "not-a-mapping", "no-submitter-list", "submitter-not-a-mapping"],
)
def test_malformed_metadata_is_one_line_and_grading_goes_on(tmp_path, metadata):
    subs, out = export(tmp_path, metadata), tmp_path / "results"
    done = runner.invoke(app, ["grade", str(subs), "--out", str(out)])
    assert done.exit_code == 0, done.output
    warnings = [line for line in done.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "submission_metadata.yml" in warnings[0], done.output
    assert "named after the submission folders" in warnings[0]
    assert "Traceback" not in done.output
    header = next(csv.reader((out / "grades.csv").open()))
    assert "name" not in header
    assert set(rows_of(out)) == {"submission_1001", "submission_1002", "submission_1003"}


# ------------------------------------------------------------------ a real browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_page_renders_in_headless_chromium(graded, tmp_path):
    out, _ = graded
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            (out / "report.html").resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1600)
    colors = image.getcolors(maxcolors=1 << 20) or []
    assert len(colors) > 50  # text and figures, not a blank or an error page
    # the score histogram's blue is on the page: the embedded SVG was drawn
    assert any(
        abs(r - 0x3B) < 8 and abs(g - 0x6E) < 8 and abs(b - 0xA8) < 8 for _, (r, g, b) in colors
    )


# ------------------------------------------------------------------ Feedback
def test_feedback_keeps_its_mistake_through_concatenation_not_formatting():
    from autograder.feedback import Feedback, mistake_of
    from autograder.grading.cases.compare import mismatch

    problem = Feedback("the factor 2/m is missing", "missing 2/m")
    assert mistake_of("label: " + problem) == "missing 2/m"
    assert mistake_of(problem + " (m = 7)") == "missing 2/m"
    assert mistake_of(f"label: {problem}") is None  # why the judges concatenate
    assert mistake_of("plain text") is None and "label: " + problem == "label: " + str(problem)
    import numpy as np

    expected = np.arange(1.0, 13.0).reshape(3, 4)
    assert mistake_of(mismatch("g", expected * 4, expected, m=4)) == "the factor 1/m is missing"
    assert mistake_of(mismatch("g", expected.T, expected)) == "the result is transposed"
    wrong = expected + 1
    assert mistake_of(mismatch("g", wrong, expected, mistakes={"bias missing": wrong})) == (
        "bias missing"
    )
    assert mismatch("g", expected, expected) is None
