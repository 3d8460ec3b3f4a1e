/**
 * Which data sets read the user's own files. Shared by the page (which must hand the files to the
 * worker) and the data registry, without pulling the data code into the page's first bundle.
 */
export const USER_DATASET_IDS = ['user-images', 'user-features'] as const;

export type UserDatasetId = (typeof USER_DATASET_IDS)[number];

export function isUserDataset(name: string): name is UserDatasetId {
  return (USER_DATASET_IDS as readonly string[]).includes(name);
}
