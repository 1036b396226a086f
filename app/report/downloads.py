"""The report as files to download: CSV for any program, and a spreadsheet with a sheet for each table."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from .figures import Table

SHEET_NAME_LENGTH = 31  # the most a spreadsheet allows


def report_csv(tables: list[Table]) -> str:
    """Return every table as one CSV file: the table, up to two headings, and the count."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "heading", "subheading", "count"])
    for table in tables:
        for labels, value in table.rows:
            padded = list(labels) + [""] * (2 - len(labels))
            writer.writerow([table.title, *padded, value])
    return out.getvalue()


def report_xlsx(tables: list[Table], made_on: str) -> bytes:
    """Return every table as a spreadsheet, one sheet each, with a first sheet saying what it is."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    about = book.add_worksheet("About")
    about.write(0, 0, "Skills Passport: the council's report", bold)
    about.write(1, 0, f"Made on {made_on}. Counts from 1 to 4 are shown as 'fewer than 5', so nobody can be "
                      "identified; where only one count in a table was hidden, the next smallest is 'not shown'.")
    for table in tables:
        sheet = book.add_worksheet(table.title[:SHEET_NAME_LENGTH])
        sheet.write(0, 0, table.title, bold)
        sheet.write(1, 0, table.about)
        for column, heading in enumerate((*table.headings, table.count_heading)):
            sheet.write(3, column, heading, bold)
        for row, (labels, value) in enumerate(table.rows, start=4):
            for column, label in enumerate(labels):
                sheet.write_string(row, column, label)
            sheet.write(row, len(labels), value)
        sheet.set_column(0, len(table.headings), 28)
    book.close()
    return out.getvalue()
