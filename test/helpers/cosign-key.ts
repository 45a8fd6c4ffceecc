/**
 * Writes a private key in cosign's encrypted format (what `cosign generate-key-pair` writes:
 * PEM `ENCRYPTED SIGSTORE PRIVATE KEY` around JSON {kdf: scrypt N=32768 r=8 p=1 with a 32-byte
 * salt, cipher: nacl/secretbox with a 24-byte nonce, ciphertext of the PKCS#8 DER key}).
 * The reader (src/core/sign/keys.ts) was also checked once against a key cosign itself wrote.
 */
import { type KeyObject, randomBytes, scrypt } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

export async function encryptCosignKey(key: KeyObject, password: string): Promise<string> {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const params = { N: 32768, r: 8, p: 1 };
  const secret = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, 32, { ...params, maxmem: 64 * 1024 * 1024 }, (e, k) =>
      e ? reject(e) : resolve(k),
    ),
  );
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const ciphertext = xsalsa20poly1305(secret, nonce).encrypt(der);
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  });
  const body = Buffer.from(json)
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n');
  return `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${body}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
}
