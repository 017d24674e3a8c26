"""mlpc.local"""
