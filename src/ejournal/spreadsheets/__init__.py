"""Summary sheets and reports as files: CSV (UTF-8) and XLSX, with Russian headers.

A sheet is first laid out as a table (a title, header cells, rows of cells; ``tables``); both
formats write that same table, so a CSV and a workbook of one sheet never disagree. Every text
cell goes through ``cells.sheet_text``: nothing in a file runs as a formula, and no stored
character breaks a workbook. The layouts of the summary sheets are in ``sheet_layouts``, those of
the reports in ``report_layouts``; ``exports`` writes any of them as a file.
"""
