/**
 * A throwaway certificate authority for TLS tests, made with the openssl CLI: a CA, server
 * certificates with chosen subjectAltNames, client certificates (CN = the database user), and
 * keys encrypted with a passphrase. Everything lives in one temp dir, removed by `remove()`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, onCleanup } from './cleanup';

export interface Issued {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export interface TestCa {
  dir: string;
  caFile: string;
  /** A certificate signed by this CA. `san` like "DNS:localhost" or "IP:127.0.0.1"; none for client certs. */
  issue(name: string, options: { cn: string; san?: string; client?: boolean; passphrase?: string }): Issued;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(label: string): TestCa {
  const dir = makeTempDir(`ca-${label}`);
  const removeDir = onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  openssl(
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=PG Explorer test CA ${label}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  let serial = 1;
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    issue(name, options) {
      const ext = [
        'basicConstraints=CA:FALSE',
        `extendedKeyUsage=${options.client ? 'clientAuth' : 'serverAuth'}`,
        ...(options.san ? [`subjectAltName=${options.san}`] : []),
      ];
      fs.writeFileSync(path.join(dir, `${name}.ext`), `${ext.join('\n')}\n`);
      openssl(
        ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
          '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${options.cn}`],
        dir,
      );
      openssl(
        ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(serial++),
          '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`],
        dir,
      );
      if (options.passphrase !== undefined) {
        openssl(['pkey', '-in', `${name}.key`, '-aes256', '-passout', `pass:${options.passphrase}`, '-out', `${name}.enc.key`], dir);
        fs.renameSync(path.join(dir, `${name}.enc.key`), path.join(dir, `${name}.key`));
      }
      const certFile = path.join(dir, `${name}.crt`);
      const keyFile = path.join(dir, `${name}.key`);
      fs.chmodSync(keyFile, 0o600);
      return { certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
      removeDir();
    },
  };
}
