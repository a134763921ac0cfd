#!/usr/bin/env node
// A fake `aws` CLI that answers `aws eks get-token` exactly as the real one prints it: an ExecCredential
// whose token is `k8s-aws-v1.` and the base64url (no padding) of an STS GetCallerIdentity URL presigned
// with SigV4, the header x-k8s-aws-id (the cluster's name) signed with it, and whose expirationTimestamp
// is X-Amz-Date plus 14 minutes. The keys come from the environment the kubeconfig's exec.env sets:
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (as the real CLI reads them), CC_FAKE_CLOCK_FILE (the test
// cluster's time) and CC_FAKE_PLUGIN_RUNS (a line appended per run). Only node: builtins, for any Node 20+.

import { createHash, createHmac } from 'node:crypto';
import { execInfo, fail, nowMs, parseArgs, recordRun, rfc3339 } from './pluginKit.mjs';

/** RFC 3986 encoding, as SigV4 canonical query strings need it. */
function uriEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key, text) => createHmac('sha256', key).update(text, 'utf8').digest();
const sha256Hex = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

function presignedUrl({ region, clusterName, accessKeyId, secretAccessKey, atMs }) {
  const host = `sts.${region}.amazonaws.com`;
  const amzDate = new Date(Math.floor(atMs / 1000) * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/sts/aws4_request`;
  const params = [
    ['Action', 'GetCallerIdentity'],
    ['Version', '2011-06-15'],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', '60'],
    ['X-Amz-SignedHeaders', 'host;x-k8s-aws-id'],
  ];
  const query = params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', query, `host:${host}`, `x-k8s-aws-id:${clusterName}`, '', 'host;x-k8s-aws-id', sha256Hex('')].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), 'sts'), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return { url: `https://${host}/?${query}&X-Amz-Signature=${signature}`, amzDate };
}

const { flags, words } = parseArgs(process.argv.slice(2));
if (words[0] !== 'eks' || words[1] !== 'get-token') fail('usage: aws eks get-token --cluster-name NAME [--region REGION] [--role-arn ARN]', 255);
recordRun('aws-eks-get-token');
const clusterName = flags.get('cluster-name') ?? flags.get('cluster-id');
if (clusterName === undefined || clusterName === '') fail('\naws: error: the following arguments are required: --cluster-name', 255);
const region = flags.get('region') || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
if (region === undefined || region === '') fail('You must specify a region. You can also configure your region by running "aws configure".', 255);
const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
if (!accessKeyId || !secretAccessKey) fail('Unable to locate credentials. You can configure credentials by running "aws configure".', 255);

const atMs = nowMs();
const { url } = presignedUrl({ region, clusterName, accessKeyId, secretAccessKey, atMs });
const credential = {
  kind: 'ExecCredential',
  apiVersion: execInfo().apiVersion ?? 'client.authentication.k8s.io/v1beta1',
  spec: {},
  status: {
    // X-Amz-Date plus 14 minutes, a minute before STS stops accepting the URL.
    expirationTimestamp: rfc3339(Math.floor(atMs / 1000) + 14 * 60),
    token: `k8s-aws-v1.${Buffer.from(url, 'utf8').toString('base64url')}`,
  },
};
// The CLI's JSON output: four-space indentation.
process.stdout.write(`${JSON.stringify(credential, null, 4)}\n`);
