// Kinetics-700 as images: video folders per split and class, or pre-extracted middle frames.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "kinetics700-video". request.root is the kinetics700 folder as the common downloaders
// (cvdfoundation/kinetics-dataset, the ActivityNet crawler) lay it out:
//   kinetics700/<split>/<class name>/<youtube id>_<start>_<end>.mp4   (also .mkv, .webm, .avi)
// Splits "train", "val", "test". Class order: the class folders matched to the catalogue's names
// (prompts/kinetics700.json, alphabetical), ignoring case, spaces, "_" and punctuation, so
// "air_drumming" and "air drumming" both match; without catalogue names, sorted folder names.
// Videos sorted by path within each class. get() returns the middle frame as RGB pixels (needs
// OpenCV; without it get() throws DatasetError saying so). The annotation CSVs are not read: the
// class is the folder. Throws DatasetError for a missing split folder or a folder that matches no
// class.
std::unique_ptr<Dataset> open_kinetics700_video(const OpenRequest& request);

// Format "kinetics700-frames". request.root is kinetics700_frames: <split>/<class>/<id>.jpg, one
// middle frame per clip; classes as for the video format. Splits "train", "val", "test".
std::unique_ptr<Dataset> open_kinetics700_frames(const OpenRequest& request);

}  // namespace clipbench::datasets
