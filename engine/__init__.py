"""The functional core of Skills Passport: the course, marking and progress.

Standard library only, plus the Markdown toolchain for reading content.
It never imports Flask or SQLAlchemy, so it can be tested and benchmarked alone.
"""
