"""The support console's pages: /staff (dashboard), /staff/customers (search) and /staff/customers/<id> (one
customer, with actions)."""
