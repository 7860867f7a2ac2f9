"""The staff side: sign-in (password and second factor, or the county's identity provider),
account administration, inquiries, one record, export, figures and the audit trail; bulk
screening of court record files. Its data is read and written only through ``bot.storage``.

``bp`` is the blueprint with every staff route attached.
"""

from bot.staff import account_pages, provider, second_factor, signin, texting, views
from bot.staff.blueprint import bp
from bot.web.security import PRIVATE_PAGE_HEADERS
from bot.web.surfaces import Surface

#: Staff pages hold residents' personal data: English, never framed, never cached.
SURFACE = Surface(blueprint=bp, prefixes=("/staff",), language="en", headers=PRIVATE_PAGE_HEADERS)

__all__ = [
    "SURFACE",
    "account_pages",
    "bp",
    "provider",
    "second_factor",
    "signin",
    "texting",
    "views",
]
