"""Environment Configuration (docs): development and production set-ups, plus runtime changes.

``SimStudioClient()`` with no arguments reads ``SIM_API_KEY`` and ``SIM_BASE_URL`` itself.
Sessions (proxies, TLS, adapters) are configured on a ``requests.Session`` you pass in.

Run: python examples/environment_config.py
"""

import logging
import os

import _local
import requests

from simstudio import ConfigurationError, SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")

# Development configuration
client = SimStudioClient(
    api_key=os.getenv("SIM_API_KEY"),
    base_url=os.getenv("SIM_BASE_URL", "https://sim.ai"),
)
print("development:", client)
client.close()

# Production configuration with error handling
api_key = os.getenv("SIM_API_KEY")
if not api_key:
    raise ValueError("SIM_API_KEY environment variable is required")

client = SimStudioClient(
    api_key=api_key,
    base_url=os.getenv("SIM_BASE_URL", "https://sim.ai"),
    timeout=(5.0, 300.0),  # connect, read: workflows can run for minutes
    max_retries=3,  # idempotent reads (status, jobs, usage) only; executes never implicitly
)
print("production:", client, "->", client.execute_workflow(WORKFLOW_ID, {"env": "prod"}).success)

# The same, all from the environment
with SimStudioClient() as from_env:
    print("from the environment:", from_env.base_url)

# A missing key is caught before any request is sent
try:
    SimStudioClient(api_key="")
except ConfigurationError as error:
    print("without a key:", error)

# Proxies, TLS and connection pools: configure a requests.Session and pass it in.
session = requests.Session()
session.headers["X-Team"] = "data-platform"  # sent with every call
# session.proxies = {"https": "http://proxy.internal:3128"}
# session.verify = "/etc/ssl/certs/internal-ca.pem"
with SimStudioClient(session=session) as client_with_session:
    print("with a session:", client_with_session.validate_workflow(WORKFLOW_ID))
session.close()  # an injected session belongs to you: the client leaves it open

# Change the key or server at runtime (validated at once; the key is never printed)
client.set_api_key(os.environ["SIM_API_KEY"])
client.set_base_url(os.environ["SIM_BASE_URL"] + "/")  # normalised: trailing slash dropped
print("after set_base_url:", client.base_url)

# The SDK logs to the "simstudio" logger and is silent unless you configure logging.
logging.basicConfig(format="  log: %(message)s")
logging.getLogger("simstudio").setLevel(logging.DEBUG)
client.get_workflow_status(WORKFLOW_ID)
client.close()
