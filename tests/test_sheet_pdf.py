"""`backprop sheet` PDFs (Typst): practice sheets, worked solutions, exam versions, answer key.

The PDFs are read back with pypdf; pages are rendered with pdftoppm where it is installed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from autograder.cli import app
from autograder.derivations import sheet as sheet_module
from autograder.derivations.parse import Node, parse
from autograder.derivations.practice import (
    ACTIVATIONS,
    LOSSES,
    build,
    graded_signatures,
    random_variant,
    signature,
    targets,
)
from autograder.derivations.practice import variants as sheet_variants
from autograder.derivations.typst_sheet import quoted, to_typst, typst_name

runner = CliRunner()


def pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_from_bytes(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def squeeze(text: str) -> str:
    """Without whitespace: pypdf may break a long line anywhere."""
    return re.sub(r"\s+", "", text)


def run(*args: str):
    return runner.invoke(app, ["sheet", *args])


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sheets") / "out"
    result = run("--seed", "4", "--out", str(out), "--count", "5")
    assert result.exit_code == 0, result.output
    return out


def test_the_practice_pdf_has_every_question_and_the_seed_on_every_page(sheets):
    text = pages(sheets / "practice-4.pdf")
    assert len(text) >= 2
    for number, page in enumerate(text, 1):
        assert "seed 4" in page and f"page {number} of {len(text)}" in page
    whole = "\n".join(text)
    drawn = sheet_variants(4, 5)  # the seed's variants, less those that coincide with graded ones
    for index, variant in enumerate(drawn):
        title = f"Question {index + 1}. {variant.layers} layer"
        assert title in whole
        assert variant.activation in whole
    assert "Question 6." not in whole
    # a student's sheet holds no answer
    assert "Answer" not in whole and "As text" not in whole
    for variant in drawn:
        assert squeeze(variant.reference) not in squeeze(whole)


def test_the_solutions_pdf_has_every_step_and_every_final_answer(sheets):
    text = pages(sheets / "solutions-4.pdf")
    for page in text:
        assert "seed 4" in page
    whole = squeeze("\n".join(text))
    for index, variant in enumerate(sheet_variants(4, 5)):
        assert squeeze(f"Question {index + 1}.") in whole
        assert squeeze(f"As text: {variant.reference}") in whole
        for step in variant.steps:
            assert squeeze(step.why) in whole  # each worked step, with its reason
    assert whole.count("Answer(shape") == 5


def test_the_markdown_is_still_written(sheets):
    assert (sheets / "practice-4.md").read_text().count("## Question") == 5


def test_the_same_seed_gives_the_same_pdfs(tmp_path, sheets):
    again = tmp_path / "again"
    assert run("--seed", "4", "--out", str(again), "--count", "5").exit_code == 0
    for name in ("practice-4.pdf", "solutions-4.pdf"):
        assert pages(again / name) == pages(sheets / name)
        assert (again / name).read_bytes() == (sheets / name).read_bytes()
    other = tmp_path / "other"
    assert run("--seed", "5", "--out", str(other), "--count", "5").exit_code == 0
    assert pages(other / "solutions-5.pdf") != pages(sheets / "solutions-4.pdf")


def test_without_a_seed_one_is_drawn_and_printed(tmp_path):
    result = run("--out", str(tmp_path), "--count", "1")
    assert result.exit_code == 0, result.output
    seed = int(re.search(r"seed (\d+) \(run again with --seed \1", result.output).group(1))
    assert (tmp_path / f"practice-{seed}.pdf").is_file()
    assert f"seed {seed}" in pages(tmp_path / f"practice-{seed}.pdf")[0]


# ----------------------------------------------------------------------------------- bad --out


def one_line_error(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: --out"), result.output
    for word in words:
        assert word in lines[0]


def test_a_file_in_the_way_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("mine")
    one_line_error(run("--seed", "1", "--out", str(blocker)), "file is in the way")
    assert blocker.read_text() == "mine"  # untouched
    one_line_error(run("--seed", "1", "--out", str(blocker / "sub")), "not a directory")


def test_a_missing_parent_is_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "no" / "such" / "dir"
    one_line_error(run("--seed", "1", "--out", str(missing)), "does not exist")
    assert not (tmp_path / "no").exists()  # no tree of directories made from a typo


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_a_directory_without_permission_is_one_line_and_exit_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        one_line_error(run("--seed", "1", "--out", str(locked)), "cannot write")
    finally:
        locked.chmod(0o700)


def test_a_write_refused_by_the_system_is_one_line_and_exit_2(tmp_path, monkeypatch):
    """Permission denied as the system says it (also for root, who ignores permission bits)."""

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    one_line_error(run("--seed", "1", "--out", str(tmp_path)), "Permission denied")


# --------------------------------------------------------------------------------- exams


def test_versions_write_one_pdf_each_and_one_answer_key(tmp_path):
    result = run("--seed", "9", "--out", str(tmp_path), "--versions", "3", "--count", "4")
    assert result.exit_code == 0, result.output
    chosen = sheet_module.exam(9, 3, 4)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["answer-key-9.pdf", "exam-9-A.pdf", "exam-9-B.pdf", "exam-9-C.pdf"]
    for version, variants in zip("ABC", chosen, strict=True):
        text = pages(tmp_path / f"exam-9-{version}.pdf")
        for page in text:
            assert f"exam seed 9 · version {version}" in page
        whole = "\n".join(text)
        assert [f"Question {j}." in whole for j in range(1, 6)] == [True] * 4 + [False]
        assert "As text" not in whole
        for variant in variants:
            assert squeeze(variant.reference) not in squeeze(whole)
    key = pages(tmp_path / "answer-key-9.pdf")
    for page in key:
        assert "exam seed 9" in page
    # the worked pages say in their header which version they belong to
    worked = [page for page in key if "Solution:" in page]
    assert worked and all(re.search(r"· Version [ABC]", p.splitlines()[0]) for p in worked)
    whole = squeeze("\n".join(key))
    for version, variants in zip("ABC", chosen, strict=True):
        assert f"Version{version}" in whole
        for variant in variants:
            assert squeeze(f"As text: {variant.reference}") in whole
    # each version's part of the key holds that version's answers, in order
    parts = re.split(r"Version[ABC](?=Question1\.)", whole)[1:]
    assert len(parts) == 3
    for part, variants in zip(parts, chosen, strict=True):
        found = [part.index(squeeze(f"As text: {v.reference}")) for v in variants]
        assert found == sorted(found)


@pytest.mark.parametrize("versions,count", [(2, 6), (4, 8), (1, 3), (5, 5), (2, 12)])
def test_exam_versions_are_matched_in_difficulty_and_differ(versions, count):
    chosen = sheet_module.exam(21, versions, count)
    assert [len(v) for v in chosen] == [count] * versions
    for slot in range(count):
        kinds = {(v[slot].layers, len(v[slot].steps)) for v in chosen}
        assert len(kinds) == 1, f"question {slot + 1} differs in difficulty: {kinds}"
        ids = [v[slot].id.split("_", 2)[2] for v in chosen]  # model and target, not the seed
        assert len(set(ids)) == versions, f"question {slot + 1} repeats: {ids}"
        answers = {v[slot].reference for v in chosen}
        assert len(answers) == versions, f"question {slot + 1}: versions share an answer"
    for variants in chosen:
        assert len({v.id for v in variants}) == count  # no question twice in one version
    # several kinds of question in one exam, not one kind
    assert len({(v.layers, len(v.steps)) for v in chosen[0]}) >= min(count, 4)
    assert sheet_module.exam(21, versions, count)[0][0].id == chosen[0][0].id


def test_exams_never_hold_a_graded_question():
    # `sheet` ships to students: an answer key must not work out a question the course grades
    graded = graded_signatures()
    for seed, versions, count in [(1, 4, 12), (2, 26, 6), (3, 1, 40)]:
        for variants in sheet_module.exam(seed, versions, count):
            assert all(signature(v.model, v.target) not in graded for v in variants)
    # and the filter is what keeps them out: the full set of variants does hold graded ones
    every = [
        build(0, a, loss, n, t)
        for n in (1, 2)
        for loss in LOSSES
        for a in ACTIVATIONS
        for t in targets(n)
    ]
    assert any(signature(v.model, v.target) in graded for v in every)


# ------------------------------------------------------------------------ the math converter


def tree(text: str, names: set[str]) -> Node:
    return parse(text, frozenset(names) | {"m", "ones"})


def test_typst_names_follow_the_notes():
    assert typst_name("yhat") == "hat(y)"
    assert typst_name("W1") == "W_1"
    assert typst_name("ones") == "arrow(1)"
    assert typst_name("dW1") == "frac(partial cal(L), partial W_1)"
    assert typst_name("dyhat") == "frac(partial cal(L), partial hat(y))"
    assert typst_name("lam") == "lambda"
    assert typst_name("delta") == "delta"
    assert typst_name("dropout") == '"dropout"'
    assert typst_name("x_2") == "x_2"
    # a multi-letter name is text, never a Typst identifier that could run code
    assert typst_name("abc") == '"abc"'
    assert quoted('a"b\\') == '"a\\"b\\\\"'


def test_to_typst_sets_products_transposes_and_fractions():
    names = {"W1", "X", "A1", "w2", "dZ2", "b"}
    scalars = {"b", "m"}
    assert to_typst(tree("w2.T @ dZ2 * A1 * (1 - A1)", names), scalars) == (
        "w_2^top frac(partial cal(L), partial Z_2) dot.o A_1 dot.o (1 - A_1)"
    )
    assert to_typst(tree("2/m * (A1 - X) @ X.T", names), scalars) == ("frac(2, m) (A_1 - X) X^top")
    assert to_typst(tree("b * X", names), scalars) == "b X"
    assert to_typst(tree("-1/m * sum(X)", names), scalars) == "-frac(1, m) sum X"
    assert to_typst(tree("1/m * sum((A1 - X)**2)", names), scalars) == "frac(1, m) norm(A_1 - X)^2"
    assert to_typst(tree("dZ2 @ ones", names), scalars) == (
        "frac(partial cal(L), partial Z_2) arrow(1)"
    )
    assert to_typst(tree("step(A1)", names), scalars) == "bb(1) [A_1 > 0]"
    assert to_typst(Node("num", value=(Fraction(-3, 4), "-3/4"))) == "-frac(3, 4)"


def test_every_math_string_compiles(tmp_path):
    """Text that looks like Typst markup ([, #, $, *) is printed as it is, never run."""
    from autograder.derivations import typst_sheet as ts

    hostile = '#panic("x") $x$ [a] *b* _c_ \\ // "q" <l> @r'
    variant = random_variant(3, 0)
    item = sheet_module.item(variant)
    item.steps[0].why = hostile
    item.title = hostile
    document = ts.Document(hostile, f"seed 3 {hostile}", hostile, [ts.Section("", [item])], True)
    text = "".join(page.extract_text() for page in pdf_from_bytes(ts.pdf(document)).pages)
    assert squeeze(hostile) in squeeze(text)


# --------------------------------------------------------------------------- a look at pages


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) absent")
def test_a_page_of_each_kind_renders_to_a_png_with_ink(tmp_path, sheets):
    import matplotlib.image as mpimg

    assert (
        run("--seed", "9", "--out", str(tmp_path), "--versions", "2", "--count", "2").exit_code == 0
    )
    kinds = [
        sheets / "practice-4.pdf",
        sheets / "solutions-4.pdf",
        tmp_path / "exam-9-A.pdf",
        tmp_path / "answer-key-9.pdf",
    ]
    for pdf in kinds:
        stem = tmp_path / pdf.stem
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
            timeout=60,
        )
        image = mpimg.imread(stem.with_suffix(".png"))
        ink = (image[..., :3].mean(axis=-1) < 0.5).mean()
        assert 0.002 < ink < 0.2, f"{pdf.name}: {ink:.4f} of the page is ink"


def test_every_practice_variant_compiles_with_its_answer_in_the_text():
    """The converter's math for every variant of the pool (all models, losses, activations,
    targets) is valid Typst, and each answer reaches the PDF."""
    from autograder.derivations import typst_sheet as ts

    variants = [v for members in sheet_module._pool().values() for v in members]
    assert len(variants) >= 40
    items = [sheet_module.item(v) for v in variants]
    document = ts.Document("all", "seed 0", "", [ts.Section("", items)], solutions=True)
    text = squeeze("".join(p.extract_text() for p in pdf_from_bytes(ts.pdf(document)).pages))
    for variant in variants:
        assert squeeze(f"As text: {variant.reference}") in text
