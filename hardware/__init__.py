"""Devices at the reception point: thermal printers (ESC/POS) and, later, scanners.

A printer is a URL. Everything above this package sees only `send_to_printer`
and the renderers; transports and their libraries stay in here.
"""
