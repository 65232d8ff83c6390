"""The `[texts]` section: where texts are fetched by symbol. Light on purpose (read with every config)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_URL = "https://documents.un.org/api/symbol/access?s={symbol}&l=en&t={type}"


@dataclass(frozen=True)
class TextsConfig:
    """url: a template with {symbol} and {type} ("doc" for Word, "pdf"), by default documents.un.org.
    compare: tell in a draft's thread what its new text changes against the text before it; budget: at
    most this many comparisons a minute (each fetches up to two texts)."""

    url: str = DEFAULT_URL
    compare: bool = True
    budget: int = 4

    def validate(self) -> None:
        if not 1 <= self.budget <= 50:
            raise ValueError(f"budget: expected 1-50 comparisons a minute, got {self.budget}")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url: expected an http(s) URL template, got {self.url[:80]!r}")
        for field in ("{symbol}", "{type}"):
            if field not in self.url:
                raise ValueError(f"url: the template must contain {field}, got {self.url[:80]!r}")
        try:
            self.url.format(symbol="A/HRC/61/L.1", type="pdf")
        except (KeyError, IndexError, ValueError):
            raise ValueError("url: only {symbol} and {type} may appear in braces") from None
