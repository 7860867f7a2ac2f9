"""The staff side (issue 7): sign-in, inquiries, one record, export, figures and the audit trail;
bulk screening of court record files (issue 9).

``bp`` is the blueprint with every staff route attached.
"""

from bot.staff import signin, views
from bot.staff.blueprint import bp

__all__ = ["bp", "signin", "views"]
