/** A volume on disk: paths().volumes/<name>/volume.json next to its data in paths().volumes/<name>/_data. */
export interface VolumeRecord {
  name: string;
  driver: 'local';
  labels: Record<string, string>;
  /** local driver options: type, o, device (as `docker volume create -o`) */
  driverOpts: Record<string, string>;
  created: string;
  /** made for one container (image VOLUME, `- /data`), named by a random id */
  anonymous: boolean;
  /** the directory a container mounts */
  mountpoint: string;
  /** containers using it now (ids); rm refuses while any is listed */
  users: string[];
  /** driver_opts mount active on mountpoint (mounted at first use, unmounted after the last) */
  mounted: boolean;
  /** the image's content was copied in (done once, at the first mount of an empty volume) */
  populated: boolean;
}

export interface VolumeCreateOptions {
  /** absent for an anonymous volume */
  name?: string;
  driver?: string;
  labels?: Record<string, string>;
  driverOpts?: Record<string, string>;
  anonymous?: boolean;
}
