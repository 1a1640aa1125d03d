"""The SVG charts are well-formed, self-contained and mark the target and the months without a value."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dispute_hub.stats.charts import Series, line_chart

NS = "{http://www.w3.org/2000/svg}"


def test_line_chart_is_valid_svg_with_target_values_and_gaps():
    svg = line_chart("结案率", ["2025-01", "2025-02", "2025-03"], [Series("结案率", [0.5, None, 0.96])],
                     target=0.95, target_label="目标")
    root = ET.fromstring(svg)  # noqa: S314  our own output
    assert root.tag == f"{NS}svg" and root.find(f"{NS}title").text == "结案率"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "50%" in texts and "96%" in texts and "目标 95%" in texts
    assert len(root.findall(f"{NS}polyline")) == 2  # the month without a value breaks the line
    assert "href" not in svg and "<script" not in svg


def test_count_chart_scales_to_its_values_and_escapes_labels():
    svg = line_chart("<收> & 结", ["2025-01"], [Series("a<b", [1200]), Series("c", [None])], percent=False)
    root = ET.fromstring(svg)  # noqa: S314  our own output
    assert "1,200" in [t.text for t in root.iter(f"{NS}text")]
    assert root.find(f"{NS}title").text == "<收> & 结"
