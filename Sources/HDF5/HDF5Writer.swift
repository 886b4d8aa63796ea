// placeholder until the HDF5 writer lands
