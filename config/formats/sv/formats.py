# Finland-Swedish writes dates and times as Finnish does (Svenska språkbyrån i Finland),
# not as Sweden does (ISO dates, 14:30): the Finnish numeric forms and input formats, with
# Swedish month names and "kl." in the long forms.
from config.formats.fi.formats import (  # noqa: F401 - read by Django's format lookup
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    TIME_INPUT_FORMATS,
    YEAR_MONTH_FORMAT,
)

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y \k\l. G.i"
MONTH_DAY_FORMAT = "j F"
