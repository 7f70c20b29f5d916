"""The statutory report: its model, its words (the office's paragraphs, placeholders, default
text and their review) and its Word and web renderings."""
