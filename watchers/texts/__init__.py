"""Texts of drafts and resolutions: read a PDF, Word or plain-text file into its paragraphs, and diff two.

extract (bytes -> lines) -> paragraphs (lines -> ParsedText) -> align (two ParsedTexts -> TextDiff);
fetch gets a text by symbol from the UN document system; predecessor finds the earlier text of an
initiative. Renderers for Telegram, HTML and plain text live in bot/text_diff_format.py.
"""
