#!/usr/bin/env bash
# Uploads the staff web client to a deployed stack: builds it, writes the stack's config.json (the
# issuer and client id the sign-in uses), syncs web/dist to the stack's private bucket, registers the
# CloudFront address as the Cognito client's callback (known only once the distribution exists), and
# invalidates the distribution. Needs the AWS CLI and credentials for the stack's account.
#
#   scripts/deploy-web.sh STACK_NAME [REGION]
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:?usage: scripts/deploy-web.sh STACK_NAME [REGION]}"
region="${2:-${AWS_REGION:-us-east-1}}"

output() {
  aws cloudformation describe-stacks --region "$region" --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
bucket=$(output WebBucketName)
distribution=$(output WebDistributionId)
url=$(output WebUrl)
authority=$(output OidcAuthority)
client=$(output OidcClientId)
pool=$(output UserPoolId)

./scripts/build-web.sh
printf '{"auth":"oidc","authority":"%s","clientId":"%s","scope":"openid profile email"}\n' \
  "$authority" "$client" > web/dist/config.json

# Long-lived hashed assets first, then the entry points that name them (never cached).
aws s3 sync --region "$region" --delete --exclude index.html --exclude config.json \
  --cache-control "public, max-age=31536000, immutable" web/dist/ "s3://$bucket/"
for f in index.html config.json; do
  aws s3 cp --region "$region" --cache-control "no-cache" "web/dist/$f" "s3://$bucket/$f"
done

if [ -n "$pool" ] && [ "$pool" != "None" ]; then
  callbacks=$(aws cognito-idp describe-user-pool-client --region "$region" --user-pool-id "$pool" \
    --client-id "$client" --query 'UserPoolClient.CallbackURLs' --output text)
  if ! grep -q "$url/callback" <<<"$callbacks"; then
    echo "registering $url/callback with the Cognito client"
    # shellcheck disable=SC2086 # the lists are space-separated words
    aws cognito-idp update-user-pool-client --region "$region" --user-pool-id "$pool" --client-id "$client" \
      --allowed-o-auth-flows-user-pool-client --allowed-o-auth-flows code \
      --allowed-o-auth-scopes openid email profile --supported-identity-providers COGNITO \
      --callback-urls $callbacks "$url/callback" --logout-urls "$url/sign-in" http://localhost:3000/sign-in \
      --prevent-user-existence-errors ENABLED --enable-token-revocation \
      --id-token-validity 60 --access-token-validity 60 --refresh-token-validity 12 \
      --token-validity-units IdToken=minutes,AccessToken=minutes,RefreshToken=hours \
      --read-attributes email name custom:district_id --write-attributes email name >/dev/null
  fi
fi

aws cloudfront create-invalidation --distribution-id "$distribution" --paths "/index.html" "/config.json" >/dev/null
echo "the web client is at $url"
