import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { temporaryFolder } from "./temporary-folders.ts";

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate itself, which the clients trust as their CA (it is self-signed). */
  cert: Buffer;
  key: Buffer;
}

/** A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI, valid one day. */
export function makeTestCertificate(): TestCertificate {
  const dir = temporaryFolder("tls");
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
