# C layout of Book for the compiled build (setup.py); book.py stays the source and the pure-Python build.
cdef class Book:
    cdef public str category, symbol
    cdef public tuple key
    cdef public dict bids, asks
    cdef public object bid_prices, ask_prices
    cpdef add(self, order)
    cpdef remove(self, order)
