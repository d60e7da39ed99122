#!/usr/bin/env bash
# Prints .env.example with every "replace-me" replaced by a fresh random value of the
# right shape, for docker compose on one machine:
#
#   bash deploy/docker/generate-env.sh > .env
#
# Keep the result: losing JWT_KEY_ENCRYPTION_KEY, TOKEN_PEPPER, the provider-key keyring or
# the webhook-secret keyring makes the data encrypted or digested with them unusable.
set -euo pipefail
cd "$(dirname "$0")/../.."

b64_32() { openssl rand -base64 32 | tr -d '\n'; }
hex() { openssl rand -hex 24; }

while IFS= read -r line; do
  case "$line" in
    *=replace-me)
      key=${line%%=*}
      case "$key" in
        JWT_KEY_ENCRYPTION_KEY|IP_TOKEN_KEY|SERVICE_TOKEN_SECRET|TOKEN_PEPPER) value=$(b64_32) ;;
        PROVIDER_KEY_ENCRYPTION_KEYS|WEBHOOK_SECRET_KEYS) value="k1:$(b64_32)" ;;
        BOOTSTRAP_ADMIN_PASSWORD) value=$(openssl rand -base64 18 | tr '+/' '-_') ;;
        MONGO_*|REDIS_PASSWORD) value=$(hex) ;;
        *) echo "generate-env.sh: no generator for $key" >&2; exit 1 ;;
      esac
      printf '%s=%s\n' "$key" "$value"
      ;;
    *) printf '%s\n' "$line" ;;
  esac
done < .env.example
