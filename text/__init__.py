"""Text utilities for Chinese (both scripts) and English news: normalisation and script
conversion (`normalize`), lexical tokens (`tokenize`), sentences (`sentences`) and numbers as
written in news (`numbers`).

Pure functions over strings; this package imports no other package of the project.
"""
