"""Scheduling and publishing: the plan, the queue, the publishers and the exports.

``service`` holds one function per command; ``queue`` the SQLite queue;
``publishers`` one publisher per platform behind ``publishers.base.Publisher``;
``worker`` the retry policy; ``export`` the CSV and iCalendar files.
"""

from __future__ import annotations
