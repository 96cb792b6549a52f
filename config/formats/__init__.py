"""Date and time formats of the three interface languages, read by Django through
FORMAT_MODULE_PATH.

Finland-Swedish writes dates and times as Finnish does (28.11.2026, kl. 14.30), not as
Sweden does (2026-11-28, 14:30); Django's `sv` locale is Sweden's. The English interface
of a Finnish service keeps the day-first order too, with a 24-hour clock. A template asks
for `SHORT_DATE_FORMAT` or `SHORT_DATETIME_FORMAT`, Python code for
`common.dates.short_date` / `short_datetime`: no format string is written by hand."""
