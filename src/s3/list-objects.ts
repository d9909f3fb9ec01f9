import type { S3Client } from './s3-client.js';
import { encodeRfc3986 } from './s3-options.js';
import { xmlBlocks, xmlValue } from './xml.js';

/** An object as a listing shows it. */
export interface S3Object {
  /** The whole key, prefix included. */
  key: string;
  size: number;
  /** As the service sends it, quotes included: compared, never parsed. */
  etag: string;
  lastModifiedMs: number;
}

/**
 * Every object below `prefix`, following ListObjectsV2's continuation tokens page by page (1,000
 * keys a page on AWS).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * @throws {S3Error} when a page cannot be had
 */
export async function listObjects(client: S3Client, prefix: string): Promise<S3Object[]> {
  const objects: S3Object[] = [];
  let token: string | undefined;
  do {
    let query = `list-type=2&prefix=${encodeRfc3986(prefix)}`;
    if (token !== undefined) query += `&continuation-token=${encodeRfc3986(token)}`;
    const request = { method: 'GET', url: `${client.target.base}?${query}`, key: prefix } as const;
    const response = await client.send(request);
    if (response.status !== 200) throw client.failure(request, response);
    const xml = new TextDecoder().decode(response.body);
    for (const block of xmlBlocks(xml, 'Contents')) {
      const key = xmlValue(block, 'Key');
      if (key === undefined) continue;
      objects.push({
        key,
        size: Number(xmlValue(block, 'Size') ?? 0),
        etag: xmlValue(block, 'ETag') ?? '',
        lastModifiedMs: Date.parse(xmlValue(block, 'LastModified') ?? '') || 0,
      });
    }
    token = xmlValue(xml, 'IsTruncated') === 'true' ? xmlValue(xml, 'NextContinuationToken') : undefined;
  } while (token !== undefined);
  return objects;
}
