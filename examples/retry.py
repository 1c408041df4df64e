"""Rate Limiting and Retry (docs): ``execute_with_retry`` and ``get_rate_limit_info``.

Retried: 429 and overload (503) answers and connections that never reached the server, i.e.
only what proves the workflow did not run; waits are never shorter than ``Retry-After``.
Locally, the server gets a tight rate limit so the retry actually happens.

Run: python examples/retry.py  (SIM_WORKFLOW_ID picks the workflow; default "echo").
"""

import logging
import os
from datetime import datetime

import _local

from simstudio import SimStudioClient, SimStudioError
from simstudio.testing import RateLimit

# Two requests back to back, then one per second: the third call below gets a 429.
_local.use_local_server_unless_configured(rate_limit=RateLimit(per_minute=60, burst=2))
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")
logging.basicConfig(format="  log: %(message)s")
logging.getLogger("simstudio").setLevel(logging.DEBUG)  # shows each retry and its wait

client = SimStudioClient(api_key=os.getenv("SIM_API_KEY"))


def execute_with_retry_handling(n):
    try:
        # Automatically retries on rate limit
        result = client.execute_with_retry(
            WORKFLOW_ID,
            input_data={"message": f"Process this ({n})"},
            max_retries=5,
            initial_delay=1.0,
            max_delay=60.0,
            backoff_multiplier=2.0,
        )

        print(f"Success: {result.success} {result.output}")
    except SimStudioError as error:
        if error.code == "RATE_LIMIT_EXCEEDED":
            print("Rate limit exceeded after all retries")

            # Check rate limit info
            rate_limit_info = client.get_rate_limit_info()
            if rate_limit_info:
                reset_time = datetime.fromtimestamp(rate_limit_info.reset)
                print(f"Rate limit resets at: {reset_time}")
        raise


for n in range(3):
    execute_with_retry_handling(n)

rate_limit_info = client.get_rate_limit_info()
if rate_limit_info:  # v1 execute on real servers sends no X-RateLimit-* headers: None there
    print("Limit:", rate_limit_info.limit)
    print("Remaining:", rate_limit_info.remaining)
    print("Reset:", datetime.fromtimestamp(rate_limit_info.reset))
client.close()
