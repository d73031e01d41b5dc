"""Fill the report's Jinja2 template (templates/report.html.j2): one HTML page, CSS inline,
figures embedded, nothing fetched from the network, readable on paper. Autoescaping is on:
submission names, student names and statuses are text, never markup."""

from __future__ import annotations

from datetime import UTC, datetime

from autograder.report.load import Results
from autograder.report.summary import Summary

GENERATOR = "backprop report"


def render(results: Results, summary: Summary, figures: dict[str, str]) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup, escape

    env = Environment(
        loader=PackageLoader("autograder.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pts"] = lambda x: f"{x:g}"
    # a question id may wrap after a dot (module.function), never inside a name
    env.filters["wbr"] = lambda text: Markup(".<wbr>").join(escape(p) for p in text.split("."))
    template = env.get_template("report.html.j2")
    return template.render(
        generator=GENERATOR,
        results=results,
        s=summary,
        figures=figures,
        made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def ours(text: str) -> bool:
    """Whether an existing report.html was written by this module (and may be replaced)."""
    return f'<meta name="generator" content="{GENERATOR}">' in text
