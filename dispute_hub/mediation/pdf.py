"""HTML → PDF with WeasyPrint, in a Song-style CJK font whose used glyphs are embedded as a subset."""

from __future__ import annotations

import functools
from pathlib import Path

# Noto Serif SC (SIL OFL) from the pylopdf-fonts-zh-cn wheel: a font from PyPI, so no font package of the
# system is needed; Debian's Noto CJK or WenQuanYi, when installed, are the fallbacks through fontconfig.
FALLBACK_FAMILIES = '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", serif'

PAGE_CSS = """
@page { size: A4; margin: 25mm 22mm 22mm 22mm;
        @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 9pt; } }
html { font-family: DocumentSerif, %(fallback)s; font-size: 12pt; line-height: 1.75; color: #000; }
"""


@functools.cache
def document_font() -> Path | None:
    """The bundled Noto Serif SC file, or None when the font package is not installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:  # pragma: no cover - the package is a dependency; fontconfig still finds system fonts
        return None
    path = Path(pylopdf_fonts_zh_cn.serif_path())
    return path if path.is_file() else None


def _stylesheet_text() -> str:
    css = PAGE_CSS % {"fallback": FALLBACK_FAMILIES}
    font = document_font()
    if font is not None:
        face = f'@font-face {{ font-family: DocumentSerif; src: url("{font.as_uri()}"); }}\n'
        bold = f'@font-face {{ font-family: DocumentSerif; font-weight: bold; src: url("{font.as_uri()}"); }}\n'
        css = face + bold + css
    return css


def html_to_pdf(html: str, *, title: str | None = None) -> bytes:
    """Render a complete HTML document to PDF bytes.

    :param html: the document (its own ``<style>`` is honoured; no external resources are fetched)
    :param title: the PDF's title metadata (default: the HTML ``<title>``)
    :return: the PDF; the glyphs used are embedded, so its text can be extracted and searched
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts, fetcher = FontConfiguration(), _font_only_fetcher()
    stylesheet = CSS(string=_stylesheet_text(), font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher).render(stylesheets=[stylesheet], font_config=fonts)
    if title:
        document.metadata.title = title
    return document.write_pdf()


def _font_only_fetcher():
    """A fetcher that loads the bundled font and nothing else: a document never reaches the network or files."""
    from weasyprint.urls import URLFetcher

    class FontOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            font = document_font()
            if font is None or url != font.as_uri():
                raise ValueError(f"documents load no external resources: {url}")
            return super().fetch(url, headers)

    return FontOnlyFetcher(allowed_protocols=("file",))
