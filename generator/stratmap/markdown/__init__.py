"""Markdown bodies: one parser configuration (parse.py), the links between content files
found in its tokens (links.py, shared by `check` and rendering), raw HTML depth
(raw_html.py), and safe HTML out (render.py)."""
