"""Editor support: a Pygments lexer for policy text (`lexer.py`), the article texts of the seed
documents (`articles.py`), what a position in a policy means (`analysis.py`) and a language
server on pygls (`server.py`, `eligibility lsp`). Nothing here is imported by `check`."""
