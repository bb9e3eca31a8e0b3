# C layout of Engine for the compiled build (setup.py); engine.py stays the source and the pure-Python build.
# Attributes not listed here live in the instance __dict__ as in Python, so a new attribute needs no change here.
cdef class Engine:
    cdef dict __dict__
    cdef public object instruments, seed, max_open_spot, max_open_futures, now, last_id, last_exec, next_uid
    cdef public object strategies, reset_at
    cdef public dict accounts, keys, user_orders, client_oids, positions, user_positions, books, book_of
    cdef public dict deposits, fees, inverse_pnl, last_price, settings, saved, _handlers
    cdef public list events
    cdef public set touched, _books_touched, _positions_touched
    cpdef end_order(self, order, str status, str reason)
