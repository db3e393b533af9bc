// Google credentials before a command talks to Google Cloud: without them the client libraries fail
// deep inside (an uncaught google-auth stack trace, after a metadata-server probe of several
// seconds). Checked first, the user gets one line naming what to set. The probe asks google-auth-library
// for Application Default Credentials; off Google Cloud it decides from the machine (gcp-metadata's
// `bios-only` residency check: serverless variables, the BIOS vendor) instead of pinging.
import { GoogleAuth } from 'google-auth-library';
import { CommandFailed } from './errors.js';

export const CREDENTIALS_HINT = 'set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run `gcloud auth application-default login`';

/** Throws CommandFailed (exit 1) naming what to set when no Google credentials are found for `what`. */
export async function requireGoogleCredentials(what: string, env: Record<string, string | undefined> = process.env): Promise<void> {
  process.env.METADATA_SERVER_DETECTION ??= env.METADATA_SERVER_DETECTION ?? 'bios-only';
  try {
    await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getClient();
  } catch (e) {
    const first = ((e as Error).message ?? String(e)).split('\n')[0]!.replace(/ Browse to .*$/, '');
    throw new CommandFailed(`${what} needs Google credentials: ${first.replace(/\.$/, '')} — ${CREDENTIALS_HINT}`, 1);
  }
}
