/**
 * Signing and verification keys: a PEM PKCS#8 EC P-256 private key, or cosign's encrypted
 * private key (`cosign generate-key-pair`: PEM `ENCRYPTED SIGSTORE PRIVATE KEY`, older
 * `ENCRYPTED COSIGN PRIVATE KEY`, holding JSON `{kdf: {name: scrypt, params: {N, r, p}, salt},
 * cipher: {name: nacl/secretbox, nonce}, ciphertext}` whose plaintext is the PKCS#8 DER key).
 * The key hint is cosign's: base64 of the sha256 of the DER (SPKI) public key.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, scrypt } from 'node:crypto';
import { InputError } from '../errors.js';

export interface SigningKey {
  privateKey: KeyObject;
  /** The public key, PEM (SPKI). */
  publicKeyPem: string;
  /** base64(sha256(DER public key)): what the bundle names the key by. */
  hint: string;
  /** `sha256:<hex>` of the DER public key: the `signer` a verification reports. */
  fingerprint: string;
}

const COSIGN_PEM =
  /-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----([\s\S]*?)-----END ENCRYPTED \1 PRIVATE KEY-----/;

function spkiDer(key: KeyObject): Buffer {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' });
}

export function keyHint(key: KeyObject): string {
  return createHash('sha256').update(spkiDer(key)).digest('base64');
}

export function keyFingerprint(key: KeyObject): string {
  return `sha256:${createHash('sha256').update(spkiDer(key)).digest('hex')}`;
}

function checkP256(key: KeyObject, input: string, value: string, secret: boolean): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const kind =
      key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType;
    throw new InputError(input, value, `an EC P-256 key is accepted, this is ${kind}`, secret);
  }
}

interface CosignEncrypted {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

function scryptKey(password: string, salt: Buffer, p: CosignEncrypted['kdf']['params']): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password,
      salt,
      32,
      { N: p.N, r: p.r, p: p.p, maxmem: 128 * p.N * p.r * (p.p + 1) + 32 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** Decrypts cosign's encrypted private key to its PKCS#8 DER bytes. */
async function decryptCosignKey(body: string, password: string): Promise<Buffer> {
  let box: CosignEncrypted;
  try {
    box = JSON.parse(Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8')) as CosignEncrypted;
  } catch {
    throw new InputError('signing-key', body, 'the encrypted key is not cosign JSON', true);
  }
  if (box?.kdf?.name !== 'scrypt' || box?.cipher?.name !== 'nacl/secretbox') {
    throw new InputError(
      'signing-key',
      body,
      'a cosign key encrypted with scrypt and nacl/secretbox is accepted',
      true,
    );
  }
  const key = await scryptKey(password, Buffer.from(box.kdf.salt, 'base64'), box.kdf.params);
  // nacl secretbox = XSalsa20-Poly1305, which node:crypto lacks: @noble/ciphers' audited implementation.
  const { xsalsa20poly1305 } = await import('@noble/ciphers/salsa.js');
  try {
    const plain = xsalsa20poly1305(key, Buffer.from(box.cipher.nonce, 'base64')).decrypt(
      Buffer.from(box.ciphertext, 'base64'),
    );
    return Buffer.from(plain);
  } catch {
    throw new InputError('signing-key-password', password, 'the password does not decrypt signing-key', true);
  }
}

/** Loads `signing-key` (with `signing-key-password` for a cosign encrypted key). */
export async function loadSigningKey(pem: string, password?: string): Promise<SigningKey> {
  const cosign = COSIGN_PEM.exec(pem);
  let privateKey: KeyObject;
  try {
    privateKey = cosign
      ? createPrivateKey({
          key: await decryptCosignKey(cosign[2] ?? '', password ?? ''),
          format: 'der',
          type: 'pkcs8',
        })
      : createPrivateKey({ key: pem, format: 'pem', ...(password ? { passphrase: password } : {}) });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      'signing-key',
      pem,
      'a PEM PKCS#8 EC P-256 private key or a cosign encrypted private key (with signing-key-password) is accepted',
      true,
    );
  }
  checkP256(privateKey, 'signing-key', pem, true);
  const publicKeyPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  return { privateKey, publicKeyPem, hint: keyHint(privateKey), fingerprint: keyFingerprint(privateKey) };
}

/** Loads a `public-key` (PEM SPKI, or an EC private key's public half is refused: give the public key). */
export function loadPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) throw new Error('not a public key');
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new InputError(
      'public-key',
      pem,
      'a PEM public key (-----BEGIN PUBLIC KEY-----, as cosign.pub) is accepted',
      /PRIVATE KEY/.test(pem), // a private key given by mistake is never printed
    );
  }
  checkP256(key, 'public-key', pem, false);
  return key;
}
