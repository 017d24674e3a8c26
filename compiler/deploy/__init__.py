"""mlpc.deploy"""
