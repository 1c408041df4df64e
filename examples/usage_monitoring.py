"""Usage Monitoring (docs): rate limits and usage of the account.

``limit`` is filled on every server era (2026 servers send ``requestsPerMinute``/``maxBurst``).

Run: python examples/usage_monitoring.py
"""

import os
import sys

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured()

client = SimStudioClient(api_key=os.getenv("SIM_API_KEY"))


def check_usage():
    try:
        limits = client.get_usage_limits()

        print("=== Rate Limits ===")
        print("Sync requests:")
        print(f"  Limit: {limits.rate_limit['sync']['limit']}")
        print(f"  Remaining: {limits.rate_limit['sync']['remaining']}")
        print(f"  Resets at: {limits.rate_limit['sync']['resetAt']}")
        print(f"  Is limited: {limits.rate_limit['sync']['isLimited']}")

        print("\nAsync requests:")
        print(f"  Limit: {limits.rate_limit['async']['limit']}")
        print(f"  Remaining: {limits.rate_limit['async']['remaining']}")
        print(f"  Resets at: {limits.rate_limit['async']['resetAt']}")
        print(f"  Is limited: {limits.rate_limit['async']['isLimited']}")

        print("\n=== Usage ===")
        print(f"Current period cost: ${limits.usage['currentPeriodCost']:.2f}")
        print(f"Limit: ${limits.usage['limit']:.2f}")
        print(f"Plan: {limits.usage['plan']}")

        percent_used = (limits.usage["currentPeriodCost"] / limits.usage["limit"]) * 100
        print(f"Usage: {percent_used:.1f}%")

        if percent_used > 80:
            print("Warning: You are approaching your usage limit!")
        return True

    except Exception as error:
        print(f"Error checking usage: {error}")
        return False


ok = check_usage()
client.close()
sys.exit(0 if ok else 1)
