"""stratmap: a sales strategy, kept as Markdown + YAML in git, published as a static site."""

__version__ = "0.2.0"
