/** The history's own statements, run by the store around every write. */

/**
 * Copies a file's current version into `workflow_history`: nothing when the file was never
 * loaded, or when the new version has the same hash (a file reloaded after a failed load).
 * Run before its phases are replaced or removed; parameters: the file key, the new hash (`''`
 * for a removal).
 */
export const keepVersionSql = `
  INSERT INTO workflow_history (file_path, file_hash, loaded_at, phases)
  SELECT f.file_path, f.file_hash, f.loaded_at,
    (SELECT json_group_array(json_object('task', written_task, 'rule', rule, 'dependsOn', depends_on,
        'retry', retry, 'template', template, 'status', status) ORDER BY position)
     FROM workflow_phases WHERE file_path = f.file_path)
  FROM workflow_files f WHERE f.file_path = ? AND f.file_hash != ?`;

/**
 * Drops a file's earlier versions beyond the newest `?2`. Parameters: the file key, the number
 * kept. Through the (file_path, id) index: the cost of a file's own versions, not of the table.
 */
export const dropOldVersionsSql = `
  DELETE FROM workflow_history WHERE file_path = ?1 AND id <= (
    SELECT id FROM workflow_history WHERE file_path = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`;

/**
 * Drops every earlier version replaced before `datetime('now', ?1)` (`?1` such as `-86400 seconds`).
 * Ids grow in the order versions were replaced, so the versions to drop come first in the table
 * and the scan stops at the first one kept: nearly free when nothing has expired.
 */
export const dropExpiredVersionsSql = `
  DELETE FROM workflow_history WHERE id < coalesce(
    (SELECT id FROM workflow_history WHERE replaced_at >= datetime('now', ?1) ORDER BY id LIMIT 1),
    (SELECT max(id) + 1 FROM workflow_history))`;
