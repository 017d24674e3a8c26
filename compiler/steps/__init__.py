"""mlpc.steps"""
