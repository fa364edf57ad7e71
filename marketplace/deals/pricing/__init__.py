"""How a deal's price is set and made public: the statutes' pricing rules (rules.py),
public notices with objections (notices.py), auctions with bids (auctions.py), their
tables (models.py) and pages (routes.py)."""
