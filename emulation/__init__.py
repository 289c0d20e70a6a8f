"""Emulation and commendation (thi đua, khen thưởng): campaigns, eligibility, council votes, nominations."""
