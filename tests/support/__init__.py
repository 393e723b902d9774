"""What the tests share: builders of users, orders and sign-ins (`builders`), the shop of the billing tests
(`billing`), threads started together (`concurrency`), the State handlers called the way Reflex calls them
(`handlers`), a local SMTP server (`smtp`), the browser tests' helpers (`browser`) and Reflex's socket from
Python (`sockets`), the order export's cells as the Python rules wrote them (`csv_reference`). Test modules import
from here, never from each other."""
