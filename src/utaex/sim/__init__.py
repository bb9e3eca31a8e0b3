"""The market simulator: the virtual clock, reference prices (random walk or file replay) and the agents
(market makers, noise takers) that trade on the venue as ordinary users (docs/market.md).

Layering: the simulator is a client of the sequencer. It imports only types from ``utaex.core`` and sends
ordinary commands through the function the gateway hands it; it never reads or changes the engine's insides.
"""
