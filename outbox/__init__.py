"""The outbox: every e-mail that leaves the service is first a row here, written in the
transaction of the change that causes it (`outbox.services.queue_message`), and then
delivered by a worker one message at a time (`outbox.delivery`). Nothing depends on the
broker being up when the change is saved: a periodic sweep delivers what no task did.

The bottom layer beside `common`: it imports Django and `common` only, never an app.
"""
