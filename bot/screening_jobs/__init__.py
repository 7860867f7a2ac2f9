"""Bulk screening from the staff pages: the upload page, the job runner and the downloads;
the chores that expire old jobs, and the ``screen`` and ``screen-expire`` commands.

Importing this package attaches its routes to the staff blueprint, so they share its sign-in.
"""

from bot.screening_jobs import views

__all__ = ["views"]
