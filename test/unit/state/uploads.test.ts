import { describe, expect, test } from 'vitest';
import { suggestedCsv, summarizeUploads, uploadPath } from '../../../src/state/uploads';
import { USER_DATASET_IDS, isUserDataset } from '../../../src/contracts/datasets';
import { DATASETS } from '../../../src/data';

describe('uploads', () => {
  test('a path inside a chosen folder drops the folder name; a plain file keeps its name', () => {
    expect(uploadPath({ name: 'a.png', webkitRelativePath: 'scans/img/a.png' })).toBe('img/a.png');
    expect(uploadPath({ name: 'a.png', webkitRelativePath: '' })).toBe('a.png');
    expect(uploadPath({ name: 'a.png' })).toBe('a.png');
  });

  test('counts images, volumes, CSVs and other files', () => {
    const s = summarizeUploads([
      { name: 'a.PNG' },
      { name: 'b.jpeg' },
      { name: 'c.jpg' },
      { name: 'brain.nii.gz' },
      { name: 'brain2.nii' },
      { name: 'labels.csv', webkitRelativePath: 'set/labels.csv' },
      { name: 'notes.txt' },
    ]);
    expect(s).toEqual({ count: 7, images: 3, volumes: 2, csvs: ['labels.csv'], other: 1 });
  });

  test('suggests the default CSV name, else the only CSV, else nothing', () => {
    const two = summarizeUploads([{ name: 'x.csv' }, { name: 'labels.csv' }]);
    expect(suggestedCsv(two, 'user-images')).toBe('labels.csv');
    expect(suggestedCsv(two, 'user-features')).toBeUndefined();
    const one = summarizeUploads([{ name: 'table.csv' }]);
    expect(suggestedCsv(one, 'user-features')).toBe('table.csv');
    // Images without any CSV: none, each image labelled by its folder; features need one.
    expect(suggestedCsv(summarizeUploads([{ name: 'a.png' }]), 'user-images')).toBeNull();
    expect(suggestedCsv(summarizeUploads([{ name: 'v.nii.gz' }]), 'user-images')).toBeNull();
    expect(suggestedCsv(summarizeUploads([{ name: 'a.png' }]), 'user-features')).toBeUndefined();
    expect(suggestedCsv(summarizeUploads([{ name: 'a.txt' }]), 'user-images')).toBeUndefined();
  });

  test('the page-side list of user data sets is the registry’s', () => {
    const user = [...DATASETS.values()].filter((d) => d.kind === 'user').map((d) => d.id);
    expect([...USER_DATASET_IDS].sort()).toEqual(user.sort());
    expect(isUserDataset('mnist')).toBe(false);
  });

  test('keeps a current choice among the files, prefers the top-level default, never guesses', () => {
    const nested = summarizeUploads([
      { name: 'labels.csv', webkitRelativePath: 'set/train/labels.csv' },
      { name: 'labels.csv', webkitRelativePath: 'set/test/labels.csv' },
    ]);
    expect(suggestedCsv(nested, 'user-images')).toBeUndefined();
    expect(suggestedCsv(nested, 'user-images', 'train/labels.csv')).toBe('train/labels.csv');
    const top = summarizeUploads([
      { name: 'labels.csv', webkitRelativePath: 'set/a/labels.csv' },
      { name: 'labels.csv', webkitRelativePath: 'set/labels.csv' },
    ]);
    expect(suggestedCsv(top, 'user-images')).toBe('labels.csv');
    // A choice that is not among the files (e.g. from a link) does not stick.
    expect(suggestedCsv(top, 'user-images', 'other.csv')).toBe('labels.csv');
  });
});
