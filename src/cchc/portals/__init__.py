"""Merging another portal's project into this one (`cchc gop-cong`), with its ledger of old addresses."""
